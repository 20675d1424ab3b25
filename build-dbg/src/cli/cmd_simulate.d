build-dbg/src/cli/cmd_simulate.o: src/cli/cmd_simulate.c \
 src/cli/commands.h src/core/err.h src/core/rng.h src/scenario/scenario.h \
 src/model/world.h src/core/arena.h src/scenario/diag.h \
 src/sim/defender.h src/sim/sim.h src/core/alloc.h src/core/buf.h
src/cli/commands.h:
src/core/err.h:
src/core/rng.h:
src/scenario/scenario.h:
src/model/world.h:
src/core/arena.h:
src/scenario/diag.h:
src/sim/defender.h:
src/sim/sim.h:
src/core/alloc.h:
src/core/buf.h:
