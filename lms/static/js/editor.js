// Progressive enhancement for the module editor: put the caret on the line a checker message named.
(function () {
  var area = document.getElementById("text");
  if (!area || !area.dataset.line) return;
  var line = parseInt(area.dataset.line, 10);
  var lines = area.value.split("\n");
  if (!(line >= 1 && line <= lines.length)) return;
  var start = 0;
  for (var i = 0; i < line - 1; i++) start += lines[i].length + 1;
  area.focus();
  area.setSelectionRange(start, start + lines[line - 1].length);
  var height = area.scrollHeight / Math.max(lines.length, 1);
  area.scrollTop = Math.max(0, (line - 3) * height);
})();
