build-dbg/src/scenario/scenario_read.o: src/scenario/scenario_read.c \
 src/core/embedded.h src/core/err.h src/scenario/scenario_int.h \
 src/model/world.h src/core/arena.h src/scenario/diag.h \
 src/scenario/scenario.h src/scenario/yaml_tree.h
src/core/embedded.h:
src/core/err.h:
src/scenario/scenario_int.h:
src/model/world.h:
src/core/arena.h:
src/scenario/diag.h:
src/scenario/scenario.h:
src/scenario/yaml_tree.h:
