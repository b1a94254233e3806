"""A SAML 2.0 identity provider for Tandem's SSO tests: pysaml2's IdP as a tiny WSGI app.

    python idp.py CONFIG.json

CONFIG: {"port": N, "key_file": ..., "cert_file": ..., "sp_metadata": "<xml>",
         "users": {"<login>": {"attributes": {"mail": [...], "eduPersonAffiliation": [...]},
                               "tamper": "" | "signature" | "audience"}}}

GET /sso/redirect (HTTP-Redirect binding) shows the IdP's own sign-in page; POST /login
answers with the HTTP-POST form that carries the signed response to the SP. A user with
``tamper: signature`` gets a response altered after signing; ``tamper: audience`` one signed
for another service provider. Prints "listening <entity id>" when ready.
"""

from __future__ import annotations

import html
import json
import re
import sys
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server

ELSEWHERE = "http://elsewhere.example.org/sp"

with open(sys.argv[1], encoding="utf-8") as config_file:
    config = json.load(config_file)
base = f"http://127.0.0.1:{config['port']}"
sp_metadata = config["sp_metadata"]
# The same service provider again under another entity id: "audience" responses go there.
other_sp = re.sub(r'entityID="[^"]+"', f'entityID="{ELSEWHERE}"', sp_metadata, count=1)

idp = Server(
    config=IdPConfig().load(
        {
            "entityid": f"{base}/idp",
            "service": {
                "idp": {
                    "endpoints": {
                        "single_sign_on_service": [(f"{base}/sso/redirect", BINDING_HTTP_REDIRECT)]
                    },
                    "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                    "want_authn_requests_signed": False,
                    "policy": {
                        "default": {
                            "lifetime": {"minutes": 15},
                            "attribute_restrictions": None,
                            "name_form": NAME_FORMAT_URI,
                        }
                    },
                }
            },
            "key_file": config["key_file"],
            "cert_file": config["cert_file"],
            "metadata": {"inline": [sp_metadata, other_sp]},
            "xmlsec_binary": config.get("xmlsec_binary", "/usr/bin/xmlsec1"),
        }
    )
)
pending: dict[str, tuple[str, str]] = {}

PAGE = """<!doctype html><html lang="en"><head><title>Test IdP sign-in</title></head><body>
<main><h1>Test identity provider</h1>
<form method="post" action="/login">
<input type="hidden" name="key" value="{key}">
<label for="username">User name</label> <input id="username" name="username">
<button type="submit">Sign in at the IdP</button>
</form></main></body></html>"""


def _answer(start_response, status, body, ctype="text/html; charset=utf-8"):
    start_response(status, [("Content-Type", ctype)])
    return [body.encode("utf-8")]


def app(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/sso/redirect":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        request = idp.parse_authn_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
        key = request.message.id
        pending[key] = (request.message.issuer.text, query.get("RelayState", [""])[0])
        return _answer(start_response, "200 OK", PAGE.format(key=html.escape(key)))
    if path == "/login" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = parse_qs(environ["wsgi.input"].read(size).decode())
        key, login = form["key"][0], form.get("username", [""])[0]
        user = config["users"].get(login)
        if key not in pending or user is None:
            return _answer(start_response, "403 Forbidden", "unknown user or request")
        sp_entity_id, relay_state = pending.pop(key)
        tamper = user.get("tamper", "")
        destination = idp.metadata.assertion_consumer_service(sp_entity_id, BINDING_HTTP_POST)[0][
            "location"
        ]
        audience = ELSEWHERE if tamper == "audience" else sp_entity_id
        response = idp.create_authn_response(
            user["attributes"],
            in_response_to=key,
            destination=destination,
            sp_entity_id=audience,
            name_id=NameID(format=NAMEID_FORMAT_PERSISTENT, text=login),
            authn={
                "class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            },
            sign_assertion=True,
            sign_response=True,
            sign_alg="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_alg="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        xml = str(response)
        if tamper == "signature":
            xml = xml.replace(user["attributes"]["mail"][0], "intruder@example.org")
        args = idp.apply_binding(BINDING_HTTP_POST, xml, destination, relay_state, response=True)
        return _answer(start_response, "200 OK", args["data"])
    return _answer(start_response, "404 Not Found", "not found")


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", config["port"], app, handler_class=QuietHandler)
print(f"listening {base}/idp", flush=True)
server.serve_forever()
