build-dbg/src/scenario/scenario_fields.o: src/scenario/scenario_fields.c \
 src/core/err.h src/model/vocab.h src/model/world.h src/core/arena.h \
 src/scenario/scenario_int.h src/scenario/diag.h src/scenario/scenario.h \
 src/scenario/yaml_tree.h
src/core/err.h:
src/model/vocab.h:
src/model/world.h:
src/core/arena.h:
src/scenario/scenario_int.h:
src/scenario/diag.h:
src/scenario/scenario.h:
src/scenario/yaml_tree.h:
