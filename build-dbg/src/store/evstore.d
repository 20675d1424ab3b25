build-dbg/src/store/evstore.o: src/store/evstore.c src/store/evstore.h \
 src/core/err.h src/detect/query.h src/detect/event.h src/core/arena.h \
 src/core/buf.h src/detect/event_flat.h src/store/evstore_int.h
src/store/evstore.h:
src/core/err.h:
src/detect/query.h:
src/detect/event.h:
src/core/arena.h:
src/core/buf.h:
src/detect/event_flat.h:
src/store/evstore_int.h:
