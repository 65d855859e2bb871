/* The widget manager (@jupyter-widgets/html-manager 1.0) typesets widget labels with the
 * MathJax 2 call MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]); the book loads
 * MathJax 3, which has no Hub, so every page with both widgets and math threw an error.
 * This maps that one call onto MathJax 3. Loaded with `defer` right after tex-chtml.js
 * (book/_ext/offline_assets.py adds it), so MathJax exists before any widget is drawn.
 * Widget labels write inline math as $...$ (as in Jupyter); the book's MathJax only knows
 * \(...\), so the label's dollars are rewritten before it is typeset. */
(function () {
  "use strict";
  if (!window.MathJax || !window.MathJax.version || window.MathJax.Hub) {
    return;
  }
  var mj = window.MathJax;
  var dollars = /\$([^$]+)\$/g;

  function toParens(element) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (dollars.test(node.nodeValue)) {
        node.nodeValue = node.nodeValue.replace(dollars, "\\($1\\)");
      }
      dollars.lastIndex = 0;
    }
  }

  mj.Hub = {
    Queue: function () {
      Array.prototype.forEach.call(arguments, function (job) {
        if (Array.isArray(job) && job[0] === "Typeset" && job[2]) {
          var element = job[2];
          mj.startup.promise = mj.startup.promise.then(function () {
            toParens(element);
            return mj.typesetPromise([element]);
          });
        }
      });
    },
  };
})();
