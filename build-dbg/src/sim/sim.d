build-dbg/src/sim/sim.o: src/sim/sim.c src/sim/sim.h src/core/alloc.h \
 src/core/buf.h src/model/world.h src/core/arena.h src/core/err.h \
 src/sim/sim_int.h src/core/rng.h src/core/sched.h
src/sim/sim.h:
src/core/alloc.h:
src/core/buf.h:
src/model/world.h:
src/core/arena.h:
src/core/err.h:
src/sim/sim_int.h:
src/core/rng.h:
src/core/sched.h:
