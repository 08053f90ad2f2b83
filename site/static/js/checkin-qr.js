// The check-in page's QR code changes every minute: fetch the new one when the old one expires,
// without reloading the page (without script, a meta refresh in the page reloads it).
(function () {
    "use strict";
    var page = document.querySelector(".session-checkin");
    if (!page) return;
    var box = page.querySelector(".session-checkin__qr");
    var link = page.querySelector(".session-checkin__url a");
    var count = page.querySelector("[data-testid=checked-in-count]");

    function schedule(seconds) {
        window.setTimeout(refresh, Math.max(1, seconds) * 1000 + 300);
    }

    function refresh() {
        fetch(page.dataset.codeUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) {
                if (!response.ok) throw new Error(response.status);
                return response.json();
            })
            .then(function (code) {
                box.innerHTML = code.svg;
                link.href = code.url;
                link.textContent = code.url;
                if (count) count.textContent = code.checked_in;
                schedule(code.refresh_in);
            })
            .catch(function () {
                // The network dropped for a moment: try again shortly.
                schedule(5);
            });
    }

    schedule(Number(page.dataset.refreshIn) || 60);
})();
