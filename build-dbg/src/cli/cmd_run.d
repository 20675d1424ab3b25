build-dbg/src/cli/cmd_run.o: src/cli/cmd_run.c src/cli/commands.h \
 src/model/world.h src/core/arena.h src/scenario/diag.h \
 src/scenario/scenario.h src/store/evstore.h src/core/err.h \
 src/detect/query.h src/detect/event.h src/telemetry/telemetry.h
src/cli/commands.h:
src/model/world.h:
src/core/arena.h:
src/scenario/diag.h:
src/scenario/scenario.h:
src/store/evstore.h:
src/core/err.h:
src/detect/query.h:
src/detect/event.h:
src/telemetry/telemetry.h:
