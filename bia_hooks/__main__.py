from bia_hooks.cli import entrypoint

entrypoint()
