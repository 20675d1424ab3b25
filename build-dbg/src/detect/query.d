build-dbg/src/detect/query.o: src/detect/query.c src/detect/query.h \
 src/core/err.h src/detect/event.h src/core/arena.h src/core/buf.h
src/detect/query.h:
src/core/err.h:
src/detect/event.h:
src/core/arena.h:
src/core/buf.h:
