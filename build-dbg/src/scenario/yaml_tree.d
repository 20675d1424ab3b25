build-dbg/src/scenario/yaml_tree.o: src/scenario/yaml_tree.c \
 src/scenario/yaml_tree.h src/core/arena.h src/scenario/diag.h \
 src/model/world.h src/core/err.h
src/scenario/yaml_tree.h:
src/core/arena.h:
src/scenario/diag.h:
src/model/world.h:
src/core/err.h:
