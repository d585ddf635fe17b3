"""What runs inside the program's own interpreter: the runner, its mocks and monitor, and what they answer.

The checker never imports this package: it starts it (project.RUNNER_BOOTSTRAP loads it by path, under a
private name, into the interpreter that has the program's dependencies, and adds nothing to the
program's sys.path). So its modules import only the standard library, the pulumi SDK (with the grpc
and protobuf it brings), the provider SDKs the program installed, and each other (relative imports);
nothing else of appflow_guard, which that interpreter may not have. Tests and the engine suite's
stand-in provider import it as ``appflow_guard.checker.in_program``.
"""
