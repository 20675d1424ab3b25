build-dbg/src/store/evhot.o: src/store/evhot.c src/core/arena.h \
 src/store/evstore_int.h src/core/buf.h src/detect/event.h src/core/err.h \
 src/detect/query.h src/store/evstore.h
src/core/arena.h:
src/store/evstore_int.h:
src/core/buf.h:
src/detect/event.h:
src/core/err.h:
src/detect/query.h:
src/store/evstore.h:
