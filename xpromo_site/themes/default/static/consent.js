/* The consent banner of an xpromo site. It loads the program's analytics tool
   only after the visitor says yes, and remembers the answer in localStorage
   (this script sets no cookies itself). Loaded as an external file, so a strict
   Content-Security-Policy (script-src 'self' plus the tool's origin) holds. */
(function () {
  "use strict";
  var KEY = "xpromo-analytics-consent";
  var me = document.currentScript;
  if (!me) { return; }
  var banner = document.getElementById("consent");
  var reopen = document.querySelectorAll("[data-consent-open]");

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (error) { return null; }
  }
  function store(answer) {
    try { window.localStorage.setItem(KEY, answer); } catch (error) { /* private mode */ }
  }
  function load() {
    var provider = me.getAttribute("data-provider");
    var site = me.getAttribute("data-site");
    if (provider === "google") {
      window.dataLayer = window.dataLayer || [];
      window.gtag = function () { window.dataLayer.push(arguments); };
      window.gtag("js", new Date());
      window.gtag("config", site);
    }
    var script = document.createElement("script");
    var attributes = JSON.parse(me.getAttribute("data-attributes") || "{}");
    Object.keys(attributes).forEach(function (name) {
      script.setAttribute(name, attributes[name]);
    });
    script.async = true;
    script.src = me.getAttribute("data-src");
    document.head.appendChild(script);
  }
  function show() {
    if (banner) {
      banner.hidden = false;
      banner.setAttribute("tabindex", "-1");
      banner.focus();
    }
  }
  function answer(event) {
    var choice = event.currentTarget.getAttribute("data-consent");
    var before = stored();
    store(choice);
    if (banner) { banner.hidden = true; }
    if (choice === "granted" && before !== "granted") { load(); }
    if (choice === "denied" && before === "granted") { window.location.reload(); }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-consent]"), function (button) {
    button.addEventListener("click", answer);
  });
  Array.prototype.forEach.call(reopen, function (button) {
    button.hidden = false;
    button.addEventListener("click", show);
  });
  var choice = stored();
  if (choice === "granted") { load(); } else if (choice === null && banner) { banner.hidden = false; }
}());
