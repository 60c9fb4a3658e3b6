// A typesetter that typesets nothing, for pages with no mathematics (server/light.py, `no_typesetting`).
// Voilà's front end loads MathJax 3 on every page, about 1 MB of script a phone must download and
// run, unless the page names a MathJax 2 script to load instead: this is that script. Voilà calls
// these five functions (Config, StartupHook, Configured, Queue, resetEquationNumbers); none does anything.
window.MathJax = {
  Hub: {
    Config: function () {},
    Configured: function () {},
    Queue: function () {},
    Register: { StartupHook: function () {} }
  },
  Ajax: {},
  InputJax: { TeX: { resetEquationNumbers: function () {} } }
};
