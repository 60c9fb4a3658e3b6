"""A person's server on JupyterHub, as ``jupyterhub-singleuser`` starts it, once this package has
left out the grammar no Jupyter schema uses (``core/lean_imports.py``): 1.6-2 s less CPU for each
server the hub starts, which for a room of thirty arriving at once is about a minute of a small
machine's CPU. ``hub/jupyterhub_config.py`` runs ``python -m coproduction_kit.server.singleuser``."""

from jupyterhub.singleuser import main

if __name__ == "__main__":
    main()
