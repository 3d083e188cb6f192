"""Build the API reference with pdoc, warnings as errors.

    python docs/build_api.py [OUT]          (default OUT: build/api; open OUT/index.html)

pdoc renders the docstrings of the public modules below as HTML.  Two things make the build
fail instead of producing a page with holes in it:

* every warning, pdoc's own included (a name in ``__all__`` that does not resolve, a module that
  cannot be imported, an annotation that cannot be parsed), is raised as an error;
* every cross-reference written as a reStructuredText role (``:class:`Step```, ``:func:`~a.b```,
  ``:mod:``, ``:meth:``, ``:attr:``, ``:data:``, ``:exc:``) must name an object that exists,
  looked up the way a reader would: as a full dotted path, in the module that defines the
  docstring, or in its class.  pdoc itself prints an unresolved reference as plain code without
  a word, so this script checks them and raises a warning for each one that does not resolve.

The script needs ``pdoc`` (in the ``test`` extra).
"""

from __future__ import annotations

import builtins
import importlib
import re
import sys
import warnings
from pathlib import Path

#: The modules of the reference.  ``dpo_mixture`` brings the submodules its ``__all__`` names
#: (``declare``, ``lemmas``, ``model``, ``notation``, ``numeric``); the subpackages below add their
#: curated pages, and the library of lemmas its statements.
MODULES = (
    "dpo_mixture",
    "dpo_mixture.proof",
    "dpo_mixture.claims",
    "dpo_mixture.render",
    "dpo_mixture.derivations.library",
)

ROLE = re.compile(r"(?::py)?:(mod|func|data|const|class|meth|attr|exc|obj):`([^`]+)`")


class UnresolvedReference(UserWarning):
    """A docstring names an object that does not exist."""


def _attribute_path(root, parts: list[str]):
    obj = root
    for i, part in enumerate(parts):
        if not hasattr(obj, part) and i == len(parts) - 1 and part in getattr(obj, "__dataclass_fields__", {}):
            return obj  # a dataclass field without a class-level default
        obj = getattr(obj, part)
    return obj


def _absolute(name: str):
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        return _attribute_path(module, parts[cut:])
    raise LookupError(name)


def resolves(target: str, module_name: str, qualname: str = "") -> bool:
    """Whether the reference ``target``, written in a docstring of ``module_name`` (at
    ``qualname`` inside it), names an existing object.

    >>> resolves("Step", "dpo_mixture.proof.step")
    True
    >>> resolves("~dpo_mixture.proof.kernel.check", "dpo_mixture")
    True
    >>> resolves("Report.run", "dpo_mixture.proof.derivation")
    True
    >>> resolves(".rewrite", "dpo_mixture.numeric"), resolves(".kernel", "dpo_mixture.proof.step")
    (True, True)
    >>> resolves("dpo_mixture.proof.no_such_thing", "dpo_mixture")
    False
    """
    name = target.strip().lstrip("~").removesuffix("()")
    module = importlib.import_module(module_name)
    if name.startswith("."):  # relative to the package of the module (a package's own, in __init__)
        package = module_name if hasattr(module, "__path__") else module_name.rsplit(".", 1)[0]
        while name.startswith(".."):
            name, package = name[1:], package.rsplit(".", 1)[0]
        name = package + name
    scopes = [module]
    # the enclosing classes of the docstring, innermost first: "run" inside Report.run
    qual = qualname.split(".") if qualname else []
    for cut in range(len(qual), 0, -1):
        try:
            scopes.insert(0, _attribute_path(module, qual[:cut]))
        except AttributeError:
            pass
    for scope in scopes:
        try:
            _attribute_path(scope, name.split("."))
            return True
        except AttributeError:
            continue
    try:
        _absolute(name)
        return True
    except (LookupError, AttributeError):
        pass
    return hasattr(builtins, name)


def check_references(docstring: str, module_name: str, qualname: str = "") -> list[str]:
    """The role references of ``docstring`` that do not resolve, as ``:role:`target```.

    >>> check_references("See :class:`Step` and :func:`~dpo_mixture.proof.decide`.", "dpo_mixture.proof.step")
    []
    >>> check_references("See :class:`Stpe`.", "dpo_mixture.proof.step")
    [':class:`Stpe`']
    """
    return [f":{role}:`{target}`" for role, target in ROLE.findall(docstring or "")
            if not resolves(target, module_name, qualname)]


def _documented(module) -> list:
    """Every documentation object of a pdoc module, members of classes included."""
    import pdoc.doc

    out, todo = [module], list(module.members.values())
    while todo:
        doc = todo.pop()
        out.append(doc)
        if isinstance(doc, pdoc.doc.Class):
            todo.extend(doc.own_members)
    return out


def _short_references(pdoc) -> None:
    """Sphinx writes ``:class:`~a.b.C``` for a link to ``a.b.C``; pdoc would print the tilde.
    Drop it before pdoc converts the roles, so the reference links under its full name."""
    import pdoc.docstrings

    convert = pdoc.docstrings.rst
    if getattr(convert, "short_references", False):
        return

    def rst(contents: str, source_file):
        return convert(re.sub(r"(:[a-z]+:`)~", r"\1", contents), source_file)

    rst.short_references = True
    pdoc.docstrings.rst = rst


def build(out: Path) -> list[str]:
    """Render the reference into ``out``; returns the cross-references checked."""
    import pdoc
    import pdoc.doc
    import pdoc.extract
    import pdoc.render

    pdoc.render.configure(docformat="restructuredtext", show_source=False, search=True,
                          footer_text="dpo-mixture API reference")
    _short_references(pdoc)
    checked: list[str] = []
    unresolved: list[str] = []
    seen: set = set()
    for name in pdoc.extract.walk_specs(MODULES):
        module = pdoc.doc.Module.from_name(name)
        for doc in _documented(module):
            module_name, qualname = doc.taken_from
            key = (module_name, qualname)
            if key in seen:
                continue
            seen.add(key)
            unresolved += [f"{'.'.join(filter(None, (module_name, qualname)))}: {bad}"
                           for bad in check_references(doc.docstring, module_name, qualname)]
            checked.extend(ROLE.findall(doc.docstring or ""))
    if unresolved:
        warnings.warn(f"{len(unresolved)} cross-reference(s) do not resolve: " + "; ".join(unresolved),
                      UnresolvedReference, stacklevel=1)
    pdoc.pdoc(*MODULES, output_directory=out)
    return checked


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "build/api")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checked = build(out)
    print(f"{out / 'index.html'}: {len(MODULES)} module trees, {len(checked)} cross-references resolved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
