// Functions of the resource-use chart (usage.go).
{
  fn: {
    tooltip: function (c) {
      return function (ps) {
        return c.h.usageTip(c, Array.isArray(ps) ? ps : [ps]);
      };
    },
  },
}
