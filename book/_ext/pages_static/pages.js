// book/_ext/pages.py says why. Runs after MathJax has typeset the page, and on resize.
(function () {
  "use strict";
  var MIN_SCALE = 0.75;  // smaller than this is hard to read: scroll instead

  // Scale an equation (display, or inline and alone too wide for its line) to fit its room,
  // down to MIN_SCALE; one that still does not fit scrolls inside its own box. MathJax sets
  // each container's font size itself (e.g. 127.3%), so the scale multiplies that.
  function fitEquations() {
    document.querySelectorAll(".bd-article mjx-container").forEach(function (box) {
      if (box.dataset.baseSize === undefined) box.dataset.baseSize = box.style.fontSize || "100%";
      var base = parseFloat(box.dataset.baseSize) || 100;
      box.style.fontSize = box.dataset.baseSize;
      var math = box.querySelector("mjx-math");
      if (!math) return;
      var display = box.getAttribute("display") === "true";
      var holder = display ? box : box.parentElement.closest("p, li, td, th, dd, div");
      var room = display ? box.clientWidth : (holder ? holder.clientWidth : 0);
      var need = math.getBoundingClientRect().width;
      if (!(need > room + 1 && room > 0)) {
        box.removeAttribute("data-fit-scale");
        return;
      }
      var scale = Math.max(MIN_SCALE, room / need);
      box.style.fontSize = (base * scale).toFixed(1) + "%";
      box.setAttribute("data-fit-scale", scale.toFixed(3));
      if (!display && scale === MIN_SCALE) {  // inline math is clipped by the theme: scroll
        box.parentElement.style.overflowX = "auto";
        box.parentElement.style.maxWidth = "100%";
      }
    });
  }

  // A box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1), and say what it is.
  function labelScrollers() {
    var boxes = document.querySelectorAll(
      ".bd-article .pst-scrollable-table-container, .bd-article div.cell_output .output");
    boxes.forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) return;
      var caption = box.querySelector("caption .caption-text, caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() + " (scrolls sideways)"
                                             : "Wide content (scrolls sideways)");
    });
  }

  function run() {
    fitEquations();
    labelScrollers();
  }

  function whenTypeset() {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(run);
    } else {
      run();
    }
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(run, 100);
  });
  if (document.readyState === "complete") whenTypeset();
  else window.addEventListener("load", whenTypeset);
})();
