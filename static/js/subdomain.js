// The subdomain finder, as you type. The same rules as services/accounts/subdomain_finder.py
// (read its docstring); the server answers the same form without this file.
(function () {
  "use strict";

  var MAX_LENGTH = 2000;
  var SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.\-]*):/;
  var PORT_AFTER_RE = /^\d+(?:[\/?#\\]|$)/;
  var LABEL_RE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
  var HOST_CHARS_RE = /^[a-z0-9.\-]+$/;
  var WRAPPERS = "<>\"'`\u201c\u201d\u2018\u2019";

  function stripChars(value, chars) {
    var start = 0;
    var end = value.length;
    while (start < end && chars.indexOf(value[start]) !== -1) start++;
    while (end > start && chars.indexOf(value[end - 1]) !== -1) end--;
    return value.slice(start, end);
  }

  function rstripDots(value) {
    return value.replace(/\.+$/, "");
  }

  function isAscii(value) {
    return /^[\x00-\x7f]*$/.test(value);
  }

  function splitHost(value) {
    var rest = value;
    var hasScheme = false;
    var match = SCHEME_RE.exec(value);
    if (match && !PORT_AFTER_RE.test(value.slice(match[0].length))) {
      var scheme = match[1].toLowerCase();
      if (scheme !== "http" && scheme !== "https") return ["invalid", null];
      rest = value.slice(match[0].length);
      hasScheme = true;
    }
    rest = rest.replace(/^[\/\\]+/, "");
    var authority = rest.split(/[\/\\?#]/)[0];
    if (authority.indexOf("@") !== -1) {
      if (!hasScheme) return ["email", null];
      authority = authority.slice(authority.lastIndexOf("@") + 1);
    }
    if (authority[0] === "[") {
      var close = authority.indexOf("]");
      return close === -1 ? ["invalid", null] : ["ip", authority.slice(0, close + 1)];
    }
    var colon = authority.indexOf(":");
    var host = colon === -1 ? authority : authority.slice(0, colon);
    var port = colon === -1 ? "" : authority.slice(colon + 1);
    if (port !== "" && !/^\d+$/.test(port)) return ["invalid", null];
    host = rstripDots(host.toLowerCase());
    if (!host) return ["invalid", null];
    return [null, host];
  }

  function findSubdomain(text, accountDomain, communityHost) {
    var domain = rstripDots((accountDomain || "").trim().toLowerCase());
    var community = rstripDots((communityHost || "").trim().toLowerCase());

    function result(outcome, subdomain, host) {
      return { outcome: outcome, subdomain: subdomain || null, host: host || null };
    }

    var value = stripChars((text || "").trim(), WRAPPERS).trim();
    if (!value) return result("empty");
    if (value.length > MAX_LENGTH || /\s/.test(value)) return result("invalid");
    var split = splitHost(value);
    if (split[0]) return result(split[0], null, split[1]);
    var host = split[1];
    var labels = host.split(".");
    if (!isAscii(host) || labels.some(function (l) { return l.indexOf("xn--") === 0; })) {
      return result("idn", null, host);
    }
    if (!HOST_CHARS_RE.test(host) || labels.indexOf("") !== -1) return result("invalid");
    if (/^\d+$/.test(labels[labels.length - 1])) return result("ip", null, host);
    if (labels.length === 1) return result("incomplete", null, host);
    if (community && host === community) return result("community", null, host);
    if (host === domain || host === "www." + domain) return result("main_site", null, host);
    var suffix = "." + domain;
    if (host.length > suffix.length && host.slice(-suffix.length) === suffix) {
      var before = host.slice(0, -suffix.length).split(".");
      var label = before[before.length - 1];
      if (label === "www") return result("main_site", null, host);
      if (!LABEL_RE.test(label)) return result("invalid");
      return result("found", label, host);
    }
    return result("other_site", null, host);
  }

  function fill(template, values) {
    return template.replace(/\{(subdomain|host|domain)\}/g, function (_m, name) {
      return values[name] == null ? "" : values[name];
    });
  }

  function render(region, messages, found, domain) {
    region.textContent = "";
    region.className = "finder-result" + (found.outcome === "empty" ? "" :
      found.outcome === "found" ? " panel panel-ok" : " panel panel-warn");
    if (found.outcome === "empty") return;
    var paragraph = document.createElement("p");
    if (found.outcome === "found") {
      paragraph.appendChild(document.createTextNode("Your subdomain is "));
      var strong = document.createElement("strong");
      strong.textContent = found.subdomain;
      paragraph.appendChild(strong);
      paragraph.appendChild(document.createTextNode("."));
      paragraph.className = "finder-answer";
    } else {
      paragraph.textContent = fill(messages[found.outcome], {
        subdomain: found.subdomain, host: found.host, domain: domain
      });
    }
    region.appendChild(paragraph);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-subdomain-finder]");
    if (!form) return;
    var input = form.querySelector("input[name=address]");
    var region = document.getElementById("finder-result");
    var domain = form.getAttribute("data-account-domain");
    var community = form.getAttribute("data-community-host");
    var messages = JSON.parse(form.getAttribute("data-messages"));
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      // A short pause, so a screen reader hears the answer, not every keystroke.
      timer = window.setTimeout(function () {
        render(region, messages, findSubdomain(input.value, domain, community), domain);
      }, 150);
    });
  });

  window.lobbyFindSubdomain = findSubdomain;
})();
