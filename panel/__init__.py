"""The citizens' panel core: places, members, segments, staff accounts and the shared base.

The application factory lives in the composition root above it: ``app.create_app``.
"""
