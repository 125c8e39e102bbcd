"""The birthday team in each framework, one package per framework, all of the same shape.

``<framework>_team/`` holds only the framework wiring (agents, graph or crew, tool registration) and
exposes the same entry: a ``<Framework>Team(provider=None, seed=0, ...)`` class whose
``run(text, request)`` returns a :class:`~tutorial_helpers.planning.pipeline.FrameworkRun`, plus
module-level ``run`` and ``plan`` (what :data:`tutorial_helpers.planners.FRAMEWORKS` calls). The glue
they share (schemas, grounding, options, plan assembly, limits) is :mod:`tutorial_helpers.planning.pipeline`.

The packages are named ``ag2_team``, ``langgraph_team``, ``crewai_team`` and ``adk_team`` rather than
after the frameworks themselves, so that no module of ours shadows the framework's own package name
in imports and tracebacks.
"""
