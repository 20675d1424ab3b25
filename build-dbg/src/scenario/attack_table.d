build-dbg/src/scenario/attack_table.o: src/scenario/attack_table.c \
 src/scenario/attack_table.h src/core/embedded.h
src/scenario/attack_table.h:
src/core/embedded.h:
