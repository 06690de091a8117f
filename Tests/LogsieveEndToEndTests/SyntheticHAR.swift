import Foundation

/// A HAR with canaries planted in every place a HAR carries secrets.
struct SyntheticHAR {
    var canaries: [String: String] = [:]
    let samlSignature = "c2lnbmF0dXJl" + String(repeating: "Q", count: 40)
    let samlAssertionText = "assertion-subject-user-1"

    func canary(_ label: String) -> String { canaries[label]! }

    init() {
        for label in ["bearer", "cookie", "path", "cookieArray", "query", "urlCode", "urlState", "fragmentState",
                      "fragmentJWT", "location", "referer", "initiator", "param", "form", "json", "multipart",
                      "tokenPlain", "refreshPlain", "tokenBase64", "refreshBase64", "socketText", "socketBinary",
                      "creator", "xapikey"] {
            canaries[label] = Canary.make(label)
        }
    }

    var samlXML: String {
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"><ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">"
            + "<ds:SignatureValue>\(samlSignature)</ds:SignatureValue></ds:Signature>"
            + "<saml:Assertion><saml:Subject>\(samlAssertionText)</saml:Subject></saml:Assertion></samlp:Response>"
    }

    var samlResponse: String { Data(samlXML.utf8).base64EncodedString() }

    func header(_ name: String, _ value: String) -> [String: Any] { ["name": name, "value": value] }

    func response(status: Int = 200, headers: [[String: Any]] = [], content: [String: Any]? = nil,
                  redirectURL: String = "") -> [String: Any] {
        ["status": status, "statusText": "", "httpVersion": "HTTP/2", "cookies": [], "headers": headers,
         "content": content ?? ["size": 0, "mimeType": "text/plain", "text": ""], "redirectURL": redirectURL,
         "headersSize": -1, "bodySize": -1]
    }

    func request(method: String = "GET", url: String, headers: [[String: Any]] = [], cookies: [[String: Any]] = [],
                 query: [[String: Any]] = [], postData: [String: Any]? = nil) -> [String: Any] {
        var request: [String: Any] = ["method": method, "url": url, "httpVersion": "HTTP/2", "headers": headers,
                                      "cookies": cookies, "queryString": query, "headersSize": -1, "bodySize": -1]
        if let postData { request["postData"] = postData }
        return request
    }

    func entry(_ request: [String: Any], _ response: [String: Any], extra: [String: Any] = [:]) -> [String: Any] {
        var entry: [String: Any] = ["startedDateTime": "2024-01-01T00:00:00.000Z", "time": 1, "request": request,
                                    "response": response, "cache": [:], "timings": ["send": 0, "wait": 1, "receive": 0]]
        entry.merge(extra) { $1 }
        return entry
    }

    var entries: [[String: Any]] {
        let tokenBody = "{\"access_token\":\"\(canary("tokenPlain"))\",\"refresh_token\":\"\(canary("refreshPlain"))\",\"id_token\":\"\(Canary.jwt(signature: canary("fragmentJWT") + "x"))\",\"token_type\":\"Bearer\"}"
        let tokenBody64 = "{\"access_token\":\"\(canary("tokenBase64"))\",\"refresh_token\":\"\(canary("refreshBase64"))\",\"token_type\":\"Bearer\"}"
        let multipart = "--XyZb\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nalice\r\n--XyZb\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n\(canary("multipart"))\r\n--XyZb--\r\n"
        return [
            // 0: HTTP/2 request headers, cookies, query string, URL parameters.
            entry(request(url: "https://app.example.com/cb?code=\(canary("urlCode"))&state=\(canary("urlState"))",
                          headers: [header(":path", "/cb?code=\(canary("path"))"), header("authorization", "Bearer \(canary("bearer"))"),
                                    header("cookie", "sid=\(canary("cookie")); theme=dark"), header("Referer", "https://app.example.com/?token=\(canary("referer"))"),
                                    header("x-api-key", canary("xapikey"))],
                          cookies: [["name": "sid", "value": canary("cookieArray")]],
                          query: [["name": "access_token", "value": canary("query")]]),
                  response()),
            // 1: OIDC implicit flow: the tokens come back in the redirect fragment.
            entry(request(url: "https://idp.example.com/authorize?client_id=app"),
                  response(status: 302, headers: [header("Location", "https://app.example.com/cb#id_token=\(Canary.jwt(signature: canary("fragmentJWT")))&state=\(canary("fragmentState"))")],
                           redirectURL: "https://app.example.com/cb#id_token=\(Canary.jwt(signature: canary("fragmentJWT")))&state=\(canary("location"))"),
                  extra: ["_initiator": ["type": "script", "url": "https://app.example.com/app.js?apikey=\(canary("initiator"))"]]),
            // 2: form body with params and text.
            entry(request(method: "POST", url: "https://app.example.com/login",
                          postData: ["mimeType": "application/x-www-form-urlencoded", "text": "user=alice&password=\(canary("form"))",
                                     "params": [["name": "user", "value": "alice"], ["name": "password", "value": canary("param")]]]),
                  response()),
            // 3: JSON body.
            entry(request(method: "POST", url: "https://api.example.com/token",
                          postData: ["mimeType": "application/json", "text": "{\"client_secret\":\"\(canary("json"))\"}"]),
                  response(content: ["size": tokenBody.utf8.count, "mimeType": "application/json", "text": tokenBody])),
            // 4: token response body in base64.
            entry(request(url: "https://api.example.com/token"),
                  response(content: ["size": tokenBody64.utf8.count, "mimeType": "application/json", "encoding": "base64",
                                     "text": Data(tokenBody64.utf8).base64EncodedString()])),
            // 5: multipart form.
            entry(request(method: "POST", url: "https://app.example.com/upload",
                          postData: ["mimeType": "multipart/form-data; boundary=XyZb", "text": multipart]),
                  response()),
            // 6: SAML POST binding.
            entry(request(method: "POST", url: "https://sp.example.com/acs",
                          postData: ["mimeType": "application/x-www-form-urlencoded",
                                     "text": "SAMLResponse=" + samlResponse.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! + "&RelayState=x",
                                     "params": [["name": "SAMLResponse", "value": samlResponse], ["name": "RelayState", "value": "x"]]]),
                  response()),
            // 7: WebSocket messages, text and binary.
            entry(request(url: "wss://app.example.com/socket"), response(status: 101),
                  extra: ["_resourceType": "websocket",
                          "_webSocketMessages": [["type": "send", "time": 1.0, "opcode": 1, "data": "{\"token\":\"\(canary("socketText"))\"}"],
                                                 ["type": "receive", "time": 2.0, "opcode": 2,
                                                  "data": Data("{\"session_id\":\"\(canary("socketBinary"))\"}".utf8).base64EncodedString()]]]),
        ]
    }

    /// The document, pretty-printed.
    var data: Data {
        let document: [String: Any] = ["log": ["version": "1.2",
                                               "creator": ["name": "test", "version": "1", "comment": "password=\(canary("creator"))"],
                                               "pages": [], "entries": entries]]
        return try! JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }
}
