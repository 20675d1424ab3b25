build-dbg/src/scenario/scenario_util.o: src/scenario/scenario_util.c \
 src/scenario/scenario_int.h src/model/world.h src/core/arena.h \
 src/scenario/diag.h src/scenario/scenario.h src/scenario/yaml_tree.h \
 src/core/err.h src/core/rng.h
src/scenario/scenario_int.h:
src/model/world.h:
src/core/arena.h:
src/scenario/diag.h:
src/scenario/scenario.h:
src/scenario/yaml_tree.h:
src/core/err.h:
src/core/rng.h:
