"""Event builders for bench/generate-corpus.

Each builder returns one event as a dict whose varying fields are placeholders
such as "@@IP@@" or "@@JWT@@". generate-corpus serializes the dict once as a
template and fills the placeholders per output event, so every placeholder
kind used here must have a generator in generate-corpus's `Values.table()`.
"""

import base64
import json
import unicodedata


# ---------------------------------------------------------------------------
# Static vocabulary. Every name, domain and network below is invented, and the
# domains are under the reserved example.com, example.net and example.org.

FIRST_NAMES = [
    "Ada", "Bruno", "Chen", "Dana", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
    "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara",
    "Umar", "Vera", "Wen", "Xavier", "Yara", "Zoë", "José", "Łucja", "Søren", "Anaïs",
]
LAST_NAMES = [
    "Abbott", "Baker", "Castillo", "Dubois", "Eriksen", "Fontaine", "Gallagher", "Horvat",
    "Ivanova", "Jensen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
    "Quintero", "Rossi", "Schmidt", "Takahashi", "Underwood", "Varga", "Whitfield", "Yilmaz",
    "Núñez", "Müller", "Ødegaard", "Brontë",
]
EMAIL_DOMAINS = ["example.com", "corp.example.com", "example.org", "eu.example.net"]

# (city, state, country, postal code, latitude, longitude)
CITIES = [
    ("Portland", "Oregon", "United States", "97205", 45.5202, -122.6742),
    ("Austin", "Texas", "United States", "78701", 30.2711, -97.7437),
    ("Columbus", "Ohio", "United States", "43215", 39.9612, -82.9988),
    ("Raleigh", "North Carolina", "United States", "27601", 35.7796, -78.6382),
    ("Toronto", "Ontario", "Canada", "M5H", 43.6511, -79.3832),
    ("Dublin", "Leinster", "Ireland", "D02", 53.3498, -6.2603),
    ("Zürich", "Zurich", "Switzerland", "8001", 47.3769, 8.5417),
    ("Kraków", "Lesser Poland", "Poland", "31-001", 50.0647, 19.945),
    ("São Paulo", "São Paulo", "Brazil", "01000-000", -23.5505, -46.6333),
    ("Osaka", "Osaka", "Japan", "530-0001", 34.6937, 135.5023),
    ("Bengaluru", "Karnataka", "India", "560001", 12.9716, 77.5946),
    ("Melbourne", "Victoria", "Australia", "3000", -37.8136, 144.9631),
]

# (autonomous system number, organization, ISP, domain)
NETWORKS = [
    (64496, "northwind telecom", "northwind telecom inc", "northwind.example.net"),
    (64497, "contoso cable", "contoso cable llc", "contoso-cable.example.net"),
    (64498, "fabrikam fiber", "fabrikam fiber co", "fabrikam.example.net"),
    (64499, "tailspin mobile", "tailspin wireless", "tailspin.example.net"),
    (64500, "example cloud hosting", "example cloud", "cloud.example.com"),
]

# (raw user agent, Okta "os", Okta "browser")
USER_AGENTS = [
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", "Mac OS X", "CHROME"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.81", "Windows 10", "EDGE_CHROMIUM"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
     "Windows 10", "FIREFOX"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", "Mac OS X", "SAFARI"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Mobile/15E148 Safari/604.1", "iOS", "MOBILE_SAFARI"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "
     "Safari/537.36", "Linux", "CHROME"),
    ("okta-auth-js/7.5.1 okta-signin-widget-7.18.0", "Unknown", "UNKNOWN"),
    ("python-requests/2.31.0", "Unknown", "UNKNOWN"),
    ("curl/8.5.0", "Unknown", "UNKNOWN"),
    ("Go-http-client/2.0", "Unknown", "UNKNOWN"),
]

APPS = [
    ("salesforce", "Salesforce.com", "SAML_2_0"),
    ("slack", "Slack", "SAML_2_0"),
    ("github_enterprise", "GitHub Enterprise Cloud", "SAML_2_0"),
    ("aws_account_federation", "AWS Account Federation", "SAML_2_0"),
    ("zoomus", "Zoom", "SAML_2_0"),
    ("oidc_client", "Internal Expense Portal", "OPENID_CONNECT"),
    ("oidc_client", "Build Dashboard", "OPENID_CONNECT"),
    ("google", "Google Workspace", "SAML_2_0"),
]

WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
    "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu order invoice "
    "customer account region shipment catalog product widget gadget report quarter budget "
    "status pending complete archive export import review approve draft publish"
).split()

CLIENT_HOSTS = [
    "api.example.com", "www.example.com", "shop.example.org", "auth.example.com",
    "billing.example.net", "search.example.com", "cdn.example.net",
]
SERVICES = ["api-gateway", "web-frontend", "auth-service", "billing-api", "search-api", "checkout"]


# Letters that NFKD does not split into an ASCII letter and a combining mark.
ASCII_LETTERS = str.maketrans({"ł": "l", "ø": "o"})


class Person:
    def __init__(self, entropy):
        first = entropy.pick(FIRST_NAMES)
        last = entropy.pick(LAST_NAMES)
        local = unicodedata.normalize("NFKD", f"{first}.{last}".lower().translate(ASCII_LETTERS))
        local = local.encode("ascii", "ignore").decode()
        self.display_name = f"{first} {last}"
        self.email = f"{local}{entropy.below(100)}@{entropy.pick(EMAIL_DOMAINS)}"
        self.okta_id = "00u" + entropy.alnum_text(17)


def query_string(pairs):
    return "&".join(f"{name}={value}" for name, value in pairs)


def filler_words(entropy, count):
    return " ".join(entropy.pick(WORDS) for _ in range(count))


# ---------------------------------------------------------------------------
# Okta System Log events

OKTA_BEHAVIORS = (
    "{New Geo-Location=NEGATIVE, New Device=%s, New IP=%s, New State=NEGATIVE, "
    "New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}"
)


def okta_client(entropy, city, user_agent):
    raw, os_name, browser = user_agent
    name, state, country, postal, lat, lon = city
    return {
        "userAgent": {"rawUserAgent": raw, "os": os_name, "browser": browser},
        "zone": "null",
        "device": entropy.pick(["Computer", "Computer", "Mobile", "Unknown"]),
        "id": None,
        "ipAddress": "@@IP@@",
        "geographicalContext": {
            "city": name,
            "state": state,
            "country": country,
            "postalCode": postal,
            "geolocation": {"lat": lat, "lon": lon},
        },
    }


def okta_event(entropy, org, secret):
    """Build one Okta System Log event template."""
    actor = Person(entropy)
    city = entropy.pick(CITIES)
    user_agent = entropy.pick(USER_AGENTS)
    network = entropy.pick(NETWORKS)
    app_name, app_label, sign_on_mode = entropy.pick(APPS)
    app_id = "0oa" + entropy.alnum_text(17)
    redirect = f"https%3A%2F%2F{entropy.pick(CLIENT_HOSTS)}%2Fauthorization-code%2Fcallback"

    debug = {"requestId": "@@OKTAREQ@@", "dtHash": entropy.hex_text(64), "threatSuspected": "false"}
    outcome = {"result": "SUCCESS", "reason": None}
    target = []
    authentication = {
        "authenticationProvider": None,
        "credentialProvider": None,
        "credentialType": None,
        "issuer": None,
        "interface": None,
        "authenticationStep": 0,
        "rootSessionId": "@@SESSIONID@@",
        "externalSessionId": "@@SESSIONID@@" if entropy.chance(0.6) else "@@SESSIONID__2@@",
    }

    if secret:
        variant = entropy.pick(["logout", "session_cookie", "state_token", "idp_callback", "implicit"])
    else:
        variant = entropy.pick_weighted([
            ("session_start", 30), ("sso", 25), ("policy", 20), ("mfa", 10),
            ("authorize", 7), ("privilege", 3), ("api_list", 5),
        ])

    if variant == "session_start":
        event_type, legacy, message = "user.session.start", "core.user_auth.login_success", "User login to Okta"
        uri = entropy.pick(["/idp/idx/identify", "/idp/idx/challenge/answer", "/api/v1/authn"])
        debug.update({
            "requestUri": uri,
            "url": uri + "?",
            "authnRequestId": entropy.hex_text(32),
            "behaviors": OKTA_BEHAVIORS % (entropy.pick(["NEGATIVE", "POSITIVE"]), entropy.pick(["NEGATIVE", "POSITIVE"])),
            "risk": "{reasons=Anomalous Device, level=" + entropy.pick(["LOW", "MEDIUM"]) + "}",
            "oktaUserAgentExtended": "okta-auth-js/7.5.1 okta-signin-widget-7.18.0",
        })
        authentication.update({"authenticationProvider": "OKTA_AUTHENTICATION_PROVIDER", "credentialType": "PASSWORD"})
        if entropy.chance(0.15):
            legacy = "core.user_auth.login_failed"
            outcome = {"result": "FAILURE", "reason": entropy.pick(["INVALID_CREDENTIALS", "VERIFICATION_ERROR"])}
        target.append({"id": "lae" + entropy.alnum_text(17), "type": "AuthenticatorEnrollment",
                       "alternateId": "unknown", "displayName": "Password", "detailEntry": None})
    elif variant == "sso":
        event_type, legacy, message = "user.authentication.sso", "app.auth.sso", "User single sign on to app"
        uri = f"/app/{app_name}/{app_id}/sso/saml"
        debug.update({
            "requestUri": uri,
            "url": f"{uri}?RelayState=%2Fhome%2F{entropy.alnum_text(12)}",
            "initiationType": entropy.pick(["IDP_INITIATED", "SP_INITIATED"]),
            "signOnMode": "SAML 2.0" if sign_on_mode == "SAML_2_0" else "OpenID Connect",
        })
        target.append({"id": app_id, "type": "AppInstance", "alternateId": app_label,
                       "displayName": app_label, "detailEntry": {"signOnModeType": sign_on_mode}})
        target.append({"id": "0ua" + entropy.alnum_text(17), "type": "AppUser",
                       "alternateId": actor.email, "displayName": actor.display_name, "detailEntry": None})
    elif variant == "policy":
        event_type, legacy, message = "policy.evaluate_sign_on", None, "Evaluation of sign-on policy"
        decision = entropy.pick_weighted([("ALLOW", 7), ("CHALLENGE", 2), ("DENY", 1)])
        outcome = {"result": decision, "reason": f"Sign-on policy evaluation resulted in {decision}"}
        uri = entropy.pick(["/idp/idx/introspect", "/app/" + app_name + "/" + app_id + "/sso/saml"])
        security_data = {
            "risk": {"level": entropy.pick(["LOW", "MEDIUM", "HIGH"])},
            "behaviors": {"New Geo-Location": "NEGATIVE", "New Device": entropy.pick(["NEGATIVE", "POSITIVE"]),
                          "New IP": entropy.pick(["NEGATIVE", "POSITIVE"]), "Velocity": "NEGATIVE"},
            "userAgent": {"raw": user_agent[0]},
        }
        debug.update({
            "requestUri": uri,
            "url": uri + "?",
            "behaviors": OKTA_BEHAVIORS % ("NEGATIVE", entropy.pick(["NEGATIVE", "POSITIVE"])),
            "risk": "{level=" + security_data["risk"]["level"] + "}",
            # Okta writes this field as a string of JSON text.
            "logOnlySecurityData": json.dumps(security_data, separators=(",", ":")),
        })
        target.append({"id": "rul" + entropy.alnum_text(17), "type": "Rule", "alternateId": "unknown",
                       "displayName": entropy.pick(["Default Rule", "Require MFA off network", "Catch-all"]),
                       "detailEntry": None})
    elif variant == "mfa":
        event_type, legacy, message = ("user.authentication.auth_via_mfa", "core.user.factor.attempt_success",
                                       "Authentication of user via MFA")
        uri = "/idp/idx/challenge/answer"
        debug.update({"requestUri": uri, "url": uri + "?", "factor": entropy.pick(["OKTA_VERIFY_PUSH", "TOTP", "WEBAUTHN"])})
        authentication.update({"authenticationProvider": "FACTOR_PROVIDER", "credentialType": "OTP",
                               "authenticationStep": 1})
    elif variant == "authorize":
        event_type, legacy, message = ("app.oauth2.authorize.code", "app.oauth2.authorize.code_success",
                                       "OIDC authorization code request")
        uri = "/oauth2/v1/authorize"
        debug.update({
            "requestUri": uri,
            "url": uri + "?" + query_string([
                ("client_id", app_id), ("response_type", "code"), ("scope", "openid+profile+email"),
                ("redirect_uri", redirect), ("state", entropy.alnum_text(20)), ("nonce", entropy.alnum_text(20)),
            ]),
            "grantType": "authorization_code",
            "responseType": "code",
            "responseMode": "query",
            "requestedScopes": "openid, profile, email",
            "grantedScopes": "openid, profile, email",
        })
    elif variant == "privilege":
        event_type, legacy, message = ("user.account.privilege.grant", "core.user.admin_privilege.granted",
                                       "Grant user privilege")
        uri = "/api/internal/administrators/" + "00u" + entropy.alnum_text(17)
        debug.update({"requestUri": uri, "url": uri,
                      "privilegeGranted": entropy.pick(["Super administrator", "Read only admin",
                                                        "Application administrator (all)"])})
        grantee = Person(entropy)
        target.append({"id": grantee.okta_id, "type": "User", "alternateId": grantee.email,
                       "displayName": grantee.display_name, "detailEntry": None})
    elif variant == "api_list":
        event_type, legacy, message = "system.operation.rate_limit.notification", None, "Rate limit notification"
        uri = "/api/v1/users"
        debug.update({"requestUri": uri,
                      "url": uri + "?limit=200&search=profile.department+eq+%22Engineering%22&after=" + "00u" + entropy.alnum_text(17)})
    elif variant == "logout":
        # OIDC RP-initiated logout passes the ID token in the id_token_hint parameter.
        event_type, legacy, message = "user.session.end", "core.user_auth.logout_success", "User logout from Okta"
        uri = "/oauth2/v1/logout"
        debug.update({"requestUri": uri, "url": uri + "?" + query_string([
            ("id_token_hint", "@@JWT@@"), ("post_logout_redirect_uri", redirect), ("state", entropy.alnum_text(16)),
        ])})
    elif variant == "session_cookie":
        event_type, legacy, message = "user.session.start", "core.user_auth.login_success", "User login to Okta"
        uri = "/login/sessionCookieRedirect"
        debug.update({"requestUri": uri, "url": uri + "?" + query_string([
            ("checkAccountSetupComplete", "true"), ("token", "@@SESSTOKEN@@"), ("redirectUrl", redirect),
        ])})
    elif variant == "state_token":
        event_type, legacy, message = "user.session.start", "core.user_auth.login_success", "User login to Okta"
        uri = "/login/token/redirect"
        debug.update({"requestUri": uri, "url": uri + "?stateToken=@@STATETOKEN@@"})
    elif variant == "idp_callback":
        event_type, legacy, message = ("user.authentication.auth_via_IDP", "core.user_auth.idp.sso_success",
                                       "Authenticate user via IDP")
        uri = "/oauth2/v1/authorize/callback"
        debug.update({"requestUri": uri, "url": uri + "?" + query_string([
            ("code", "@@CODE@@"), ("state", entropy.alnum_text(32)), ("scope", "openid+email+profile"),
        ])})
    else:  # implicit flow, where the redirect URL carries the tokens
        event_type, legacy, message = ("app.oauth2.authorize.implicit", "app.oauth2.authorize.implicit_success",
                                       "OIDC implicit flow request")
        uri = "/oauth2/v1/authorize"
        debug.update({
            "requestUri": uri,
            "url": uri + "?" + query_string([("client_id", app_id), ("response_type", "id_token+token"),
                                              ("redirect_uri", redirect), ("state", entropy.alnum_text(16))]),
            "redirectUri": f"https://{entropy.pick(CLIENT_HOSTS)}/implicit/callback#access_token=@@JWT@@"
                           "&token_type=Bearer&expires_in=3600&id_token=@@JWT__2@@",
        })

    event = {
        "actor": {"id": actor.okta_id, "type": "User", "alternateId": actor.email,
                  "displayName": actor.display_name, "detailEntry": None},
        "client": okta_client(entropy, city, user_agent),
        "device": None,
        "authenticationContext": authentication,
        "displayMessage": message,
        "eventType": event_type,
        "outcome": outcome,
        "published": "@@TS@@",
        "securityContext": {"asNumber": network[0], "asOrg": network[1], "isp": network[2],
                            "domain": network[3], "isProxy": entropy.chance(0.05)},
        "severity": "WARN" if outcome["result"] in ("FAILURE", "DENY") else "INFO",
        "debugContext": {"debugData": debug},
        "legacyEventType": legacy,
        "transaction": {"type": "WEB", "id": "@@OKTAREQ@@", "detail": {}},
        "uuid": "@@UUID@@",
        "version": "0",
        "request": {"ipChain": [{
            "ip": "@@IP@@",
            "geographicalContext": okta_client(entropy, city, user_agent)["geographicalContext"],
            "version": "V4",
            "source": None,
        }]},
        "target": target or None,
    }
    if org:
        debug["origin"] = org
    return event


# ---------------------------------------------------------------------------
# HTTP access logs

def title_case(name):
    return "-".join(part[:1].upper() + part[1:] for part in name.split("-"))


def access_event(entropy, secret):
    """Build one HTTP access log record template."""
    host = entropy.pick(CLIENT_HOSTS)
    user_agent = entropy.pick(USER_AGENTS)[0]
    lower_case_names = entropy.chance(0.3)
    method, path, status, content_type = "GET", "/", 200, "application/json"
    message = None
    request_extra = {}
    response_extra = {}

    if secret:
        variant = entropy.pick([
            "bearer", "cookie", "set_cookie", "token_in_url", "oauth_callback", "login_body",
            "token_response", "api_key", "basic", "ssws",
        ])
    else:
        variant = entropy.pick_weighted([
            ("api_list", 30), ("static", 20), ("search", 15), ("health", 8), ("post", 12),
            ("not_found", 5), ("error", 5), ("app_json", 5),
        ])

    if variant in ("api_list", "bearer", "api_key", "basic", "ssws"):
        resource = entropy.pick(["orders", "invoices", "customers", "shipments", "products"])
        path = f"/v2/{resource}?page={1 + entropy.below(40)}&limit={entropy.pick([20, 50, 100])}&sort=-created_at"
        if variant == "bearer":
            request_extra["authorization"] = "Bearer @@JWT@@"
        elif variant == "api_key":
            if entropy.chance(0.5):
                request_extra["x-api-key"] = "@@APIKEY@@"
            else:
                request_extra["x-goog-api-key"] = "@@GOOGLEKEY@@"
        elif variant == "basic":
            request_extra["authorization"] = "Basic @@BASIC@@"
        elif variant == "ssws":
            request_extra["authorization"] = "SSWS @@SSWS@@"
    elif variant == "static":
        path = "/static/" + entropy.pick(["js/app", "js/vendor", "css/main", "img/logo"]) + "." + entropy.hex_text(8) + \
            entropy.pick([".js", ".css", ".png"])
        content_type = {"js": "application/javascript", "css": "text/css", "png": "image/png"}[path.rsplit(".", 1)[1]]
    elif variant == "search":
        path = "/search?q=" + "+".join(entropy.pick(WORDS) for _ in range(2)) + "&lang=en&page=" + str(1 + entropy.below(9))
        content_type = "text/html; charset=utf-8"
    elif variant == "health":
        path, host, user_agent = "/healthz", "10.0.3.17:8080", "kube-probe/1.29"
    elif variant == "post":
        method, status = "POST", entropy.pick([200, 201, 202])
        path = "/v2/" + entropy.pick(["orders", "events", "carts"]) + "/" + entropy.hex_text(12) + "/items"
        request_extra["content-type"] = "application/json"
    elif variant == "not_found":
        status, path = 404, "/" + entropy.pick(WORDS) + "/" + entropy.pick(WORDS) + ".php"
    elif variant == "error":
        status = entropy.pick([500, 502, 503, 504])
        path = "/v2/reports/export?format=csv&from=2024-01-01&to=2024-03-31"
        message = "upstream request failed\ncaused by: connect timeout after 5000 ms\n  at pool.acquire (pool.js:212)"
    elif variant == "app_json":
        method = "POST"
        path = "/v2/checkout"
        message = json.dumps({"level": "info", "msg": "order placed", "order_id": entropy.hex_text(16),
                              "items": 1 + entropy.below(6), "currency": "EUR", "user": Person(entropy).email},
                             separators=(",", ":"))
    elif variant == "cookie":
        path = "/account/settings?tab=" + entropy.pick(["profile", "security", "billing"])
        content_type = "text/html; charset=utf-8"
        request_extra["cookie"] = "session_id=@@OPAQUE@@; csrftoken=@@CSRF@@; theme=dark; _ga=GA1.2.@@EPOCH_NUM@@"
    elif variant == "set_cookie":
        method, path, status = "POST", "/login", 302
        response_extra["set-cookie"] = "session_id=@@OPAQUE@@; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax"
        response_extra["location"] = "/dashboard"
    elif variant == "token_in_url":
        path = entropy.pick([
            "/v2/export/download?access_token=@@JWT@@&format=csv",
            "/reset-password?token=@@OPAQUE@@&email=" + Person(entropy).email.replace("@", "%40"),
            "/ws/notifications?access_token=@@OPAQUE@@",
        ])
    elif variant == "oauth_callback":
        method, status = "GET", 302
        path = "/oauth2/callback?" + query_string([("code", "@@CODE@@"), ("state", entropy.alnum_text(24)),
                                                   ("session_state", entropy.hex_text(32))])
    elif variant == "login_body":
        method, path, status = "POST", "/api/v1/login", entropy.pick([200, 401])
        person = Person(entropy)
        message = "login attempt: " + json.dumps({"username": person.email, "password": "@@PASSWORD@@",
                                                  "remember_me": True}, separators=(",", ":"))
    elif variant == "token_response":
        method, path = "POST", "/oauth2/v1/token"
        message = "token endpoint response: " + json.dumps({
            "token_type": "Bearer", "expires_in": 3600, "access_token": "@@JWT@@",
            "refresh_token": "@@REFRESH@@", "id_token": "@@JWT__2@@", "scope": "openid profile offline_access",
        }, separators=(",", ":"))

    if message is None:
        message = f"{method} {path.split('?')[0]} {status}"

    request_headers = {
        "host": host,
        "user-agent": user_agent,
        "accept": entropy.pick(["application/json", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]),
        "accept-encoding": "gzip, deflate, br",
        "x-forwarded-for": "@@IP@@",
        "x-request-id": "@@UUID@@",
    }
    if entropy.chance(0.5):
        request_headers["accept-language"] = entropy.pick(["en-US,en;q=0.9", "de-CH,de;q=0.8,en;q=0.5", "pt-BR,pt;q=0.9"])
    if entropy.chance(0.4):
        request_headers["referer"] = f"https://{host}/" + entropy.pick(WORDS)
    request_headers.update(request_extra)

    response_headers = {
        "content-type": content_type,
        "content-length": str(100 + entropy.below(40000)),
        "date": "@@HTTPDATE@@",
        "server": entropy.pick(["nginx", "envoy", "gunicorn"]),
        "cache-control": entropy.pick(["no-store", "private, max-age=0", "public, max-age=31536000, immutable"]),
        "x-request-id": "@@UUID@@",
    }
    response_headers.update(response_extra)

    if not lower_case_names:
        request_headers = {title_case(name): value for name, value in request_headers.items()}
        response_headers = {title_case(name): value for name, value in response_headers.items()}

    if status >= 500:
        level = "error"
    elif status >= 400:
        level = "warn"
    else:
        level = "info"

    return {
        "timestamp": "@@TS@@",
        "level": level,
        "service": entropy.pick(SERVICES),
        "host": f"web-{entropy.below(24):02d}",
        "request_id": "@@HEX32@@",
        "remote_addr": "@@IP@@",
        "remote_port": "@@PORT_NUM@@",
        "method": method,
        "url": f"https://{host}{path}",
        "protocol": entropy.pick(["HTTP/1.1", "HTTP/2.0"]),
        "status": status,
        "bytes_sent": "@@BYTES_NUM@@",
        "latency_ms": "@@LATENCY_NUM@@",
        "request_headers": request_headers,
        "response_headers": response_headers,
        "message": message,
    }


# ---------------------------------------------------------------------------
# HAR 1.2 entries

def har_headers(pairs):
    return [{"name": name, "value": value} for name, value in pairs]


def har_event(entropy, secret):
    """Build one HAR 1.2 entry template."""
    host = entropy.pick(CLIENT_HOSTS)
    # Chrome writes HTTP/2 header names in lower case, Firefox in title case.
    chrome = entropy.chance(0.6)
    http_version = "http/2.0" if chrome else "HTTP/2"
    user_agent = entropy.pick(USER_AGENTS[:6])[0]
    method, path, status, status_text = "GET", "/", 200, "OK"
    query, request_cookies, response_cookies = [], [], []
    extra_request_headers, extra_response_headers = [], []
    post_data = None
    mime_type = "application/json"
    content = {}

    if secret:
        variant = entropy.pick([
            "bearer", "cookies", "set_cookie", "form_login", "json_login", "token_exchange", "query_token",
            "github_token",
        ])
    else:
        variant = entropy.pick_weighted([("api", 40), ("document", 20), ("image", 20), ("script", 15), ("form", 5)])

    if variant in ("api", "bearer", "github_token"):
        resource = entropy.pick(["orders", "notifications", "feed", "profile", "catalog"])
        cursor = entropy.b64_text(16)
        path = f"/api/v3/{resource}?cursor={cursor}&limit=25"
        query = [("cursor", cursor), ("limit", "25")]
        records = [{"id": entropy.hex_text(12), "name": filler_words(entropy, 3), "status": entropy.pick(WORDS),
                    "updated_at": "2024-03-0%dT1%d:00:00Z" % (1 + entropy.below(9), entropy.below(10))}
                   for _ in range(1 + entropy.below(12))]
        content = {"mimeType": mime_type, "text": json.dumps({"data": records, "next": entropy.b64_text(16)})}
        if variant == "bearer":
            extra_request_headers.append(("authorization", "Bearer @@JWT@@"))
        elif variant == "github_token":
            extra_request_headers.append(("authorization", "token @@GITHUBTOKEN@@"))
    elif variant == "document":
        path = "/" + entropy.pick(WORDS) + "/" + entropy.pick(WORDS)
        mime_type = "text/html"
        paragraphs = "".join(f"<p>{filler_words(entropy, 12 + entropy.below(30))}</p>\n"
                             for _ in range(2 + entropy.below(20)))
        content = {"mimeType": mime_type, "text": f"<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>"
                   f"{filler_words(entropy, 3)}</title></head>\n<body>\n{paragraphs}</body>\n</html>\n"}
    elif variant == "image":
        path = "/img/" + entropy.hex_text(16) + ".png"
        mime_type = "image/png"
        body = b"\x89PNG\r\n\x1a\n" + entropy.raw_bytes(200 + entropy.below(1600))
        content = {"mimeType": mime_type, "text": base64.b64encode(body).decode(), "encoding": "base64"}
    elif variant == "script":
        path = "/static/js/chunk." + entropy.hex_text(8) + ".js"
        mime_type = "application/javascript"
        content = {"mimeType": mime_type, "comment": "Response bodies are not included."}
    elif variant == "form":
        method, path = "POST", "/newsletter/subscribe"
        mime_type = "text/html"
        post_data = {"mimeType": "application/x-www-form-urlencoded",
                     "params": [{"name": "email", "value": Person(entropy).email}, {"name": "topic", "value": "releases"}],
                     "text": "email=subscriber%40example.com&topic=releases"}
        content = {"mimeType": mime_type, "text": "<p>Thanks for subscribing.</p>"}
    elif variant == "cookies":
        path = "/dashboard?view=" + entropy.pick(WORDS)
        request_cookies = [("sid", "@@OPAQUE@@"), ("csrf_token", "@@CSRF@@"), ("lang", "en")]
        mime_type = "text/html"
        content = {"mimeType": mime_type, "text": "<html><body><h1>Dashboard</h1></body></html>"}
    elif variant == "set_cookie":
        method, path, status, status_text = "POST", "/session", 303, "See Other"
        response_cookies = [("sid", "@@OPAQUE@@")]
        extra_response_headers.append(("location", "/dashboard"))
        content = {"mimeType": "text/plain", "text": ""}
    elif variant == "form_login":
        method, path, status, status_text = "POST", "/login", 302, "Found"
        person = Person(entropy)
        encoded_email = person.email.replace("@", "%40")
        post_data = {
            "mimeType": "application/x-www-form-urlencoded",
            "params": [{"name": "username", "value": person.email}, {"name": "password", "value": "@@PASSWORD@@"},
                       {"name": "csrfmiddlewaretoken", "value": "@@CSRF@@"}],
            "text": f"username={encoded_email}&password=@@PASSWORD@@&csrfmiddlewaretoken=@@CSRF@@",
        }
        response_cookies = [("sessionid", "@@OPAQUE@@")]
        content = {"mimeType": "text/html", "text": ""}
    elif variant == "json_login":
        method, path = "POST", "/api/v1/authn"
        person = Person(entropy)
        post_data = {"mimeType": "application/json", "text": json.dumps({
            "username": person.email, "password": "@@PASSWORD@@",
            "options": {"warnBeforePasswordExpired": True, "multiOptionalFactorEnroll": False}})}
        content = {"mimeType": mime_type, "text": json.dumps({
            "expiresAt": "2024-03-04T09:05:00.000Z", "status": "SUCCESS", "sessionToken": "@@SESSTOKEN@@"})}
    elif variant == "token_exchange":
        method, path = "POST", "/oauth2/default/v1/token"
        post_data = {
            "mimeType": "application/x-www-form-urlencoded",
            "params": [{"name": "grant_type", "value": "authorization_code"}, {"name": "code", "value": "@@CODE@@"},
                       {"name": "client_id", "value": "0oa" + entropy.alnum_text(17)},
                       {"name": "client_secret", "value": "@@OPAQUE__2@@"}],
            "text": "grant_type=authorization_code&code=@@CODE@@&client_secret=@@OPAQUE__2@@",
        }
        content = {"mimeType": mime_type, "text": json.dumps({
            "token_type": "Bearer", "expires_in": 3600, "access_token": "@@JWT@@", "scope": "openid profile",
            "refresh_token": "@@REFRESH@@", "id_token": "@@JWT__2@@"})}
    elif variant == "query_token":
        path = "/embed/report?access_token=@@JWT@@&theme=light"
        query = [("access_token", "@@JWT@@"), ("theme", "light")]
        mime_type = "text/html"
        content = {"mimeType": mime_type, "text": "<div id=\"report\"></div>"}

    url = f"https://{host}{path}"

    request_headers = [
        (":authority", host), (":method", method), (":path", path), (":scheme", "https"),
    ] if chrome else [("Host", host)]
    request_headers += [
        ("user-agent", user_agent),
        ("accept", "application/json, text/plain, */*" if mime_type == "application/json" else "*/*"),
        ("accept-encoding", "gzip, deflate, br"),
        ("accept-language", "en-US,en;q=0.9"),
        ("referer", f"https://{host}/"),
        ("sec-fetch-mode", entropy.pick(["cors", "navigate", "no-cors"])),
    ]
    if post_data is not None:
        request_headers.append(("content-type", post_data["mimeType"]))
    if request_cookies:
        request_headers.append(("cookie", "; ".join(f"{name}={value}" for name, value in request_cookies)))
    request_headers += extra_request_headers
    if not chrome:
        request_headers = [(title_case(name), value) for name, value in request_headers]

    response_headers = [
        ("content-type", mime_type), ("date", "@@HTTPDATE@@"), ("server", entropy.pick(["nginx", "cloudflare", "AmazonS3"])),
        ("cache-control", "no-store"), ("x-request-id", "@@UUID@@"),
    ]
    response_headers += extra_response_headers
    for name, value in response_cookies:
        response_headers.append(("set-cookie", f"{name}={value}; Path=/; HttpOnly; Secure; SameSite=Lax"))

    request = {
        "method": method,
        "url": url,
        "httpVersion": http_version,
        "headers": har_headers(request_headers),
        "queryString": har_headers(query),
        "cookies": [{"name": name, "value": value} for name, value in request_cookies],
        "headersSize": -1,
        "bodySize": 0 if post_data is None else len(post_data.get("text", "")),
    }
    if post_data is not None:
        request["postData"] = post_data
    content.setdefault("size", len(content.get("text", "")))
    content.setdefault("mimeType", mime_type)

    entry = {
        "startedDateTime": "@@TS@@",
        "time": "@@MS_NUM@@",
        "request": request,
        "response": {
            "status": status,
            "statusText": status_text if not chrome else "",
            "httpVersion": http_version,
            "headers": har_headers(response_headers),
            "cookies": [{"name": name, "value": value, "path": "/", "domain": host, "expires": None,
                         "httpOnly": True, "secure": True, "sameSite": "Lax"} for name, value in response_cookies],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": "@@BYTES_NUM@@",
        },
        "cache": {},
        "timings": {"blocked": round(entropy.random() * 3, 3), "dns": -1, "connect": -1, "ssl": -1,
                    "send": 0.2, "wait": "@@MS_NUM__2@@", "receive": round(entropy.random() * 5, 3)},
        "serverIPAddress": "@@IP@@",
        "connection": "@@CONNECTION@@",
    }
    if chrome:
        entry["_initiator"] = {"type": "script" if mime_type == "application/json" else "parser"}
        entry["_priority"] = entropy.pick(["High", "Low", "VeryHigh"])
        entry["_resourceType"] = {"application/json": "fetch", "text/html": "document", "image/png": "image",
                                  "application/javascript": "script"}.get(mime_type, "other")
        entry["pageref"] = "page_%d" % (1 + entropy.below(5))
    return entry


# ---------------------------------------------------------------------------
# Okta sessions for bench/enrich: complete events (no placeholders), because
# the enrich stage needs the same session identifier, user and network to
# recur across events, which generate-corpus's per-event values never do.

def okta_session_event(session_index, user, session_id, event_type, published, city, network, user_agent, targets=()):
    """One Okta System Log event of a session, as a dict."""
    name, state, country, postal, lat, lon = city
    as_number, as_org, isp, domain = network
    raw, os_name, browser = user_agent
    ip = f"10.{(session_index >> 16) & 255}.{(session_index >> 8) & 255}.{session_index & 255}"
    return {
        "uuid": f"bench-{session_index}-{published}",
        "published": published,
        "eventType": event_type,
        "version": "0",
        "severity": "INFO",
        "legacyEventType": "core.user_auth.login_success",
        "displayMessage": "User login to Okta",
        "actor": {"id": f"00u{session_index:08d}", "type": "User", "alternateId": user, "displayName": user},
        "client": {
            "userAgent": {"rawUserAgent": raw, "os": os_name, "browser": browser},
            "zone": "null",
            "device": "Computer",
            "ipAddress": ip,
            "geographicalContext": {"city": name, "state": state, "country": country, "postalCode": postal,
                                    "geolocation": {"lat": lat, "lon": lon}},
        },
        "authenticationContext": {"authenticationStep": 0, "externalSessionId": session_id},
        "outcome": {"result": "SUCCESS"},
        "securityContext": {"asNumber": as_number, "asOrg": as_org, "isp": isp, "domain": domain, "isProxy": False},
        "debugContext": {"debugData": {"requestId": f"req{session_index}", "requestUri": "/api/v1/authn",
                                       "threatSuspected": "false"}},
        "target": list(targets),
        "transaction": {"type": "WEB", "id": f"req{session_index}", "detail": {}},
    }
