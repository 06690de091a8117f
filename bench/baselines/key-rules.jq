# A baseline for bench/throughput: the jq program a user would otherwise
# write. It applies logsieve's key rules (exact keys, suffixes, exclusions,
# normalised by lower-casing and removing - and _) to every object member
# and replaces matching values with "[REDACTED]". It has no value
# detectors, URL rules, cookies or JSON inside strings, so it does less
# work than logsieve's redact.
def normalized: ascii_downcase | gsub("[-_]"; "");
def exact: ["authorization", "proxyauthorization", "cookie", "setcookie", "xapikey", "apikey",
  "xfunctionskey", "ocpapimsubscriptionkey", "password", "passwd", "pwd", "pass", "passphrase",
  "passcode", "passwordhash", "otp", "mfacode", "secret", "clientsecret", "codeverifier", "secretkey",
  "secretaccesskey", "accountkey", "sharedaccesskey", "encryptionkey", "signingkey", "privatekey",
  "token", "accesstoken", "refreshtoken", "idtoken", "sessiontoken", "statetoken", "xcsrftoken",
  "xxsrftoken", "xauthtoken", "xsessionid", "sessionid", "externalsessionid", "rootsessionid",
  "uniquetokenidentifier", "phpsessid", "connect.sid", "samlresponse", "samlrequest", "samlart",
  "assertion", "clientassertion", "wresult"];
def excluded: ["tokentype", "nextpagetoken", "pagetoken", "nexttoken", "continuationtoken",
  "passwordchangedat", "passwordchanged", "passwordpolicy", "passwordexpired", "haspassword",
  "requirespassword", "csrftokenname"];
def secret_key: normalized as $key
  | ($key | IN(excluded[]) | not)
    and (($key | IN(exact[])) or ($key | test("(password|passwd|secret|token|apikey|sessionid|privatekey)$")));
walk(if type == "object" then with_entries(if (.key | secret_key) and (.value | type) != "boolean" and .value != null
  then .value = "[REDACTED]" else . end) else . end)
