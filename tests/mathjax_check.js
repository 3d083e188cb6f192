// Render every $$...$$ formula of a Markdown page with MathJax 3 (mathjax-full) and
// print a JSON summary: {"formulas": N, "errors": [{"index", "tex", "message"}]}.
// Macros defined by \newcommand in one formula stay defined for the later ones,
// as they do in a browser page.
const fs = require('fs');
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {SVG} = require('mathjax-full/js/output/svg.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
require('mathjax-full/js/input/tex/base/BaseConfiguration.js');
require('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
require('mathjax-full/js/input/tex/newcommand/NewcommandConfiguration.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const errors = [];
const tex = new TeX({
  packages: ['base', 'ams', 'newcommand'],
  formatError: (jax, err) => { throw err; },
});
const doc = mathjax.document('', {InputJax: tex, OutputJax: new SVG({fontCache: 'none'})});

const text = fs.readFileSync(process.argv[2], 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '');
const formulas = [...text.matchAll(/\$\$([\s\S]+?)\$\$/g)].map(m => m[1]);
formulas.forEach((formula, index) => {
  try {
    const node = doc.convert(formula, {display: true});
    const html = adaptor.outerHTML(node);
    if (html.includes('data-mjx-error') || html.includes('merror')) {
      errors.push({index, tex: formula.slice(0, 200), message: 'merror in output'});
    }
  } catch (err) {
    errors.push({index, tex: formula.slice(0, 200), message: String(err.message || err)});
  }
});
console.log(JSON.stringify({formulas: formulas.length, errors}));
