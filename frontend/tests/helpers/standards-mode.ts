/**
 * KaTeX checks the document mode when it loads, and real pages have <!doctype html>. Import this
 * before any module that loads KaTeX (imports run in order).
 */
Object.defineProperty(document, "compatMode", { value: "CSS1Compat", configurable: true });
