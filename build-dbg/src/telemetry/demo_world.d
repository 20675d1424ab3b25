build-dbg/src/telemetry/demo_world.o: src/telemetry/demo_world.c \
 src/telemetry/demo_world.h src/model/world.h src/core/arena.h \
 src/core/err.h src/core/rng.h
src/telemetry/demo_world.h:
src/model/world.h:
src/core/arena.h:
src/core/err.h:
src/core/rng.h:
