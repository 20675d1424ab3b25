build-dbg/src/telemetry/sink_file.o: src/telemetry/sink_file.c \
 src/telemetry/sink.h src/core/err.h src/telemetry/telemetry.h \
 src/model/world.h src/core/arena.h
src/telemetry/sink.h:
src/core/err.h:
src/telemetry/telemetry.h:
src/model/world.h:
src/core/arena.h:
