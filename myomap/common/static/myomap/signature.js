// A signature drawn with a finger, mouse or pen, kept as a PNG data URL in a hidden input.
(function () {
  "use strict";
  function init(canvas) {
    const input = document.getElementById(canvas.dataset.input);
    const ctx = canvas.getContext("2d");
    let drawing = false;
    function fit() {
      const ratio = window.devicePixelRatio || 1;
      canvas.width = canvas.clientWidth * ratio; canvas.height = canvas.clientHeight * ratio;
      ctx.scale(ratio, ratio); ctx.lineWidth = 2.2; ctx.lineCap = "round"; ctx.strokeStyle = "#1d2733";
    }
    function point(e) { const r = canvas.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      const p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return; const p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke();
    });
    canvas.addEventListener("pointerup", function () {
      drawing = false; input.value = canvas.toDataURL("image/png");
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    const clear = document.querySelector('[data-clear="' + canvas.id + '"]');
    if (clear) clear.addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); input.value = "";
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    fit();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas.signature-pad").forEach(init);
  });
})();
