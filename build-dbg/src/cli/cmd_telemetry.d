build-dbg/src/cli/cmd_telemetry.o: src/cli/cmd_telemetry.c \
 src/cli/commands.h src/core/err.h src/model/world.h src/core/arena.h \
 src/telemetry/demo_world.h src/telemetry/sink.h \
 src/telemetry/telemetry.h
src/cli/commands.h:
src/core/err.h:
src/model/world.h:
src/core/arena.h:
src/telemetry/demo_world.h:
src/telemetry/sink.h:
src/telemetry/telemetry.h:
