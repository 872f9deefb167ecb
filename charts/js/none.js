// A chart with no functions of its own (the zero Chart).
{ fn: {} }
