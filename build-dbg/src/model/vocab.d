build-dbg/src/model/vocab.o: src/model/vocab.c src/model/vocab.h \
 src/model/world.h src/core/arena.h
src/model/vocab.h:
src/model/world.h:
src/core/arena.h:
