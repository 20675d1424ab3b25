build-dbg/src/scenario/scenario_value.o: src/scenario/scenario_value.c \
 src/core/err.h src/scenario/scenario.h src/model/world.h \
 src/core/arena.h src/scenario/diag.h
src/core/err.h:
src/scenario/scenario.h:
src/model/world.h:
src/core/arena.h:
src/scenario/diag.h:
