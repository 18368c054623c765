// The document form's line editor, when JavaScript runs: "Add a line" adds one in place
// (without it, the button posts the form and the page comes back with one more line),
// and each line's amount and the totals follow what is typed, with the server's rounding
// (half away from zero, per line then per rate).
(function () {
  "use strict";
  var table = document.querySelector("table[data-lines]");
  if (!table) return;
  var body = table.tBodies[0];
  var lang = document.documentElement.lang === "en" ? "en" : "fr";

  // "1 234,56" / "1,234.56" / "12" into an integer of 10^-scale units, or null.
  function scaled(text, scale) {
    var t = String(text).replace(/[\s\u00a0\u202f_€%]/g, "");
    if (lang === "en") t = t.replace(/,/g, ""); else t = t.replace(/,/g, ".");
    if (!/^-?\d+(\.\d*)?$/.test(t)) return null;
    var parts = t.replace("-", "").split(".");
    var frac = (parts[1] || "");
    if (frac.length > scale) return null;
    while (frac.length < scale) frac += "0";
    var n = parseInt(parts[0], 10) * Math.pow(10, scale) + (frac ? parseInt(frac, 10) : 0);
    return t.charAt(0) === "-" ? -n : n;
  }
  function round(num, den) {
    var q = Math.abs(num) / den, r = Math.floor(q + 0.5);
    return num < 0 ? -r : r;
  }
  function money(cents) {
    var sign = cents < 0 ? "-" : "", abs = Math.abs(cents);
    var units = String(Math.floor(abs / 100)), c = String(abs % 100).padStart(2, "0");
    var sep = lang === "en" ? "," : "\u202f";
    units = units.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    return lang === "en" ? sign + "€" + units + "." + c : sign + units + "," + c + "\u00a0€";
  }
  function update() {
    var bases = {};
    Array.prototype.forEach.call(body.rows, function (row) {
      var q = scaled(row.querySelector(".qty").value, 3);
      var p = scaled(row.querySelector(".price").value, 2);
      var rate = scaled(row.querySelector(".vat").value, 2);
      var desc = row.querySelector("input[name^=description_]").value.trim();
      var cell = row.querySelector(".amount");
      if (q === null || p === null || rate === null || !desc) { cell.textContent = ""; return; }
      var amount = round(q * p, 1000);
      cell.textContent = money(amount);
      bases[rate] = (bases[rate] || 0) + amount;
    });
    var totals = document.querySelector("table.totals tbody");
    var before = 0, vat = 0, rows = [];
    Object.keys(bases).map(Number).sort(function (a, b) { return a - b; }).forEach(function (rate) {
      var tax = round(bases[rate] * rate, 10000);
      before += bases[rate]; vat += tax;
      var label = String(rate / 100).replace(".", lang === "en" ? "." : ",");
      rows.push([(lang === "en" ? "VAT " : "TVA ") + label + " %", money(tax)]);
    });
    while (totals.rows.length > 2) totals.deleteRow(1);
    rows.forEach(function (r, i) {
      var tr = totals.insertRow(1 + i), th = document.createElement("th"), td = tr.insertCell(-1);
      th.textContent = r[0]; tr.insertBefore(th, td); td.className = "num"; td.textContent = r[1];
    });
    totals.querySelector("[data-total=before]").textContent = money(before);
    totals.querySelector("[data-total=all]").textContent = money(before + vat);
  }
  var add = document.querySelector("[data-add-line]");
  add.addEventListener("click", function (event) {
    event.preventDefault();
    var last = body.rows[body.rows.length - 1], row = last.cloneNode(true), n = body.rows.length;
    Array.prototype.forEach.call(row.querySelectorAll("input, select"), function (input) {
      input.name = input.name.replace(/_\d+$/, "_" + n);
      var label = input.getAttribute("aria-label");
      if (label) input.setAttribute("aria-label", label.replace(/\d+$/, String(n + 1)));
      if (input.tagName === "INPUT") input.value = input.classList.contains("qty") ? "1" : "";
    });
    row.querySelector(".amount").textContent = "";
    body.appendChild(row);
    row.querySelector("input").focus();
  });
  table.addEventListener("input", update);
  table.addEventListener("change", update);
  update();
})();
