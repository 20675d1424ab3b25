build-dbg/src/telemetry/telemetry.o: src/telemetry/telemetry.c \
 src/telemetry/telemetry.h src/model/world.h src/core/arena.h \
 src/core/err.h src/core/rng.h src/telemetry/tel_internal.h \
 src/telemetry/tel_json.h
src/telemetry/telemetry.h:
src/model/world.h:
src/core/arena.h:
src/core/err.h:
src/core/rng.h:
src/telemetry/tel_internal.h:
src/telemetry/tel_json.h:
