"""One search box over the platform (issue 14): opportunities, partnerships, organizations,
programs, courses, skills and people, each as its own app lets the viewer see them."""
