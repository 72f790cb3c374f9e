// buildhub: the single binary. Subcommands are registered in cli/commands.h.
#include <cstdio>

int main(int argc, char** argv) {
  std::puts("buildhub: under construction");
  return 0;
}
