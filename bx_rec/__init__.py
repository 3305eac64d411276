__version__ = "0.1.0"

# The package's own surface, `bx_rec.fit`, `bx_rec.load` and `bx_rec.Model`, is `bx_rec.api`'s, imported on first use:
# `import bx_rec` stays cheap (no torch, no pandas), so `bx-rec --help` and `bx-rec --version` answer at once.
__all__ = ['fit', 'load', 'Model']

def __getattr__(name):
    if name in __all__:
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'bx_rec' has no attribute {name!r}")

def __dir__(): return sorted(list(globals()) + __all__)
