/* sandbox-main.c — placeholder until the server lands */
#include <stdio.h>
int main (void);
int
main (void)
{
  fprintf (stderr, "hangar-sandbox: not built yet\n");
  return 1;
}
