/* klimakit lesson index: search and filters, in the browser, from the embedded JSON index.
   The index is embedded in index.html: from file:// a page may not load other files as
   data. No libraries, no network. */
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("lesson-index").textContent);
  var byId = {};

  /* Lowercase and fold Danish letters so "afkøling", "afkoeling" and "Afkøling" all match. */
  function fold(text) {
    return String(text).toLowerCase()
      .replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  index.lessons.forEach(function (lesson) {
    lesson.folded = fold(lesson.text);
    lesson.foldedTitle = fold(lesson.title);
    lesson.foldedSummary = fold(lesson.summary);
    byId[lesson.id] = lesson;
  });

  var form = document.getElementById("filters");
  var search = document.getElementById("search");
  var grade = document.getElementById("filter-grade");
  var subject = document.getElementById("filter-subject");
  var sensor = document.getElementById("filter-sensor");
  var board = document.getElementById("filter-board");
  var count = document.getElementById("result-count");
  var empty = document.getElementById("no-results");
  var list = document.getElementById("lessons");
  var cards = Array.prototype.slice.call(list.children);

  function gradeMatches(lesson, value) {
    if (!value) { return true; }
    var parts = value.split(":");
    if (parts[0] === "band") { return lesson.bands.indexOf(parts[1]) >= 0; }
    var wanted = Number(parts[1]);
    return lesson.grades[0] <= wanted && wanted <= lesson.grades[1];
  }

  function matches(lesson, words) {
    for (var i = 0; i < words.length; i++) {
      if (lesson.folded.indexOf(words[i]) < 0) { return false; }
    }
    return gradeMatches(lesson, grade.value) &&
      (!subject.value || lesson.subjects.indexOf(subject.value) >= 0) &&
      (!sensor.value || lesson.sensors.indexOf(sensor.value) >= 0) &&
      (!board.value || lesson.boards.indexOf(board.value) >= 0);
  }

  /* Hits in the title count most, then the summary, then the rest of the lesson. */
  function score(lesson, words) {
    var total = 0;
    words.forEach(function (word) {
      total += lesson.foldedTitle.indexOf(word) >= 0 ? 4 :
        lesson.foldedSummary.indexOf(word) >= 0 ? 2 : 1;
    });
    return total;
  }

  function update() {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    var ranked = cards.map(function (card, position) {
      var lesson = byId[card.getAttribute("data-id")];
      var ok = lesson !== undefined && matches(lesson, words);
      card.hidden = !ok;
      if (ok) { shown += 1; }
      return { card: card, position: position, score: ok ? score(lesson, words) : 0 };
    });
    ranked.sort(function (a, b) { return b.score - a.score || a.position - b.position; });
    ranked.forEach(function (entry) { list.appendChild(entry.card); });
    // The sentence in the page's language, from the page itself (data-template).
    count.textContent = count.getAttribute("data-template")
      .replace("{shown}", String(shown)).replace("{total}", String(cards.length));
    empty.hidden = shown > 0;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("reset").addEventListener("click", function () {
    form.reset();
    update();
    search.focus();
  });
  update();
}());
