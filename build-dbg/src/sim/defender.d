build-dbg/src/sim/defender.o: src/sim/defender.c src/sim/defender.h \
 src/core/arena.h src/scenario/diag.h src/model/world.h src/sim/sim.h \
 src/core/alloc.h src/core/buf.h src/core/err.h src/scenario/scenario.h \
 src/scenario/yaml_tree.h
src/sim/defender.h:
src/core/arena.h:
src/scenario/diag.h:
src/model/world.h:
src/sim/sim.h:
src/core/alloc.h:
src/core/buf.h:
src/core/err.h:
src/scenario/scenario.h:
src/scenario/yaml_tree.h:
