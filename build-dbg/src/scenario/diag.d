build-dbg/src/scenario/diag.o: src/scenario/diag.c src/scenario/diag.h \
 src/model/world.h src/core/arena.h src/core/err.h
src/scenario/diag.h:
src/model/world.h:
src/core/arena.h:
src/core/err.h:
