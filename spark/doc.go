// Package spark runs the notebooks' aggregation on Apache Spark, driven from Go through
// Spark Connect: the step the talk's agenda ends with ("loops → pandas → Spark"), for the
// day one machine is not enough.
//
// It is a thin layer over the official Go client, github.com/apache/spark-connect-go:
// [Connect] finds a server ($SPARK_REMOTE, else the local one `make spark` starts at
// [DefaultRemote]) and says how to start one when nothing answers; [Session.SumOfSquares]
// is the job of notebooks 04 and 07 as Spark SQL; [BigInt] reads Spark's numbers, DECIMAL's
// decimal128.Num included; [Sweep] times engines (a Go loop, goroutines, Spark) over sizes
// and checks every answer against the closed form; [FitCost] turns the times into a fixed
// cost per query and a cost per row, from which [Crossover] reasons about more machines.
//
// There are no Go UDFs in Spark Connect: work sent to Spark is SQL or DataFrame built-ins.
//
// This package is a Go module of its own (spark/go.mod), so that the Spark client's
// ~390 MB of modules (gRPC, Arrow) stay out of everything else the notebooks compile.
package spark
