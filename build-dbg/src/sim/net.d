build-dbg/src/sim/net.o: src/sim/net.c src/sim/sim_int.h src/core/alloc.h \
 src/core/rng.h src/core/sched.h src/sim/sim.h src/core/buf.h \
 src/model/world.h src/core/arena.h
src/sim/sim_int.h:
src/core/alloc.h:
src/core/rng.h:
src/core/sched.h:
src/sim/sim.h:
src/core/buf.h:
src/model/world.h:
src/core/arena.h:
