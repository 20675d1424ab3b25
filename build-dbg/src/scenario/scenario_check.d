build-dbg/src/scenario/scenario_check.o: src/scenario/scenario_check.c \
 src/core/err.h src/model/vocab.h src/model/world.h src/core/arena.h \
 src/scenario/scenario.h src/scenario/diag.h
src/core/err.h:
src/model/vocab.h:
src/model/world.h:
src/core/arena.h:
src/scenario/scenario.h:
src/scenario/diag.h:
