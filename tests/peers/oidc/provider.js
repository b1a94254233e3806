// A real OpenID Connect provider (panva/node-oidc-provider, OpenID certified) for Tandem's
// SSO tests. Configuration comes from one JSON argument:
//   {"port": 0, "clients": [{client_id, client_secret, redirect_uris}],
//    "users": {"<login>": {"email": ..., "email_verified": true, "name": ..., "groups": [...]}}}
// The provider's own development sign-in page ("devInteractions") asks for a login name; any
// password is accepted, the login name picks the user. Prints "listening <issuer>" when ready.
import http from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] || '{}');
const users = config.users || {};

const server = http.createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: (config.clients || []).map((c) => ({
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      ...c,
    })),
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'groups'],
    },
    features: { devInteractions: { enabled: true } },
    // The test clients are confidential; PKCE is still sent by Tandem and checked here.
    pkce: { required: () => false },
    cookies: { keys: ['tandem-test-oidc-peer'] },
    async findAccount(ctx, id) {
      const user = users[id];
      if (!user) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...user };
        },
      };
    },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`listening ${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
