build-dbg/src/model/world.o: src/model/world.c src/model/world.h \
 src/core/arena.h src/core/err.h
src/model/world.h:
src/core/arena.h:
src/core/err.h:
