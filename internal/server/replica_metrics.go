package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"sscgraph/internal/database"
)

// registerReplicaMetrics adds the read replicas' series to reg (none
// without replicas): whether each is in rotation, its lag and the reads
// it answered, labelled with its address without the password.
func registerReplicaMetrics(reg prometheus.Registerer, db *database.DB) {
	if len(db.Replicas()) == 0 {
		return
	}
	reg.MustRegister(replicaCollector{db: db})
}

var (
	replicaHealthyDesc = prometheus.NewDesc("sscgraph_replica_healthy",
		"1 while the read replica is in rotation, 0 while its reads go to the primary (it failed its probe or lags past --replica-max-lag).",
		[]string{"replica"}, nil)
	replicaLagDesc = prometheus.NewDesc("sscgraph_replica_lag_seconds",
		"How far behind the primary the read replica was at its last probe; 0 when it had replayed all the primary had written.",
		[]string{"replica"}, nil)
	replicaReadsDesc = prometheus.NewDesc("sscgraph_replica_reads_total",
		"Reads the read replica answered.",
		[]string{"replica"}, nil)
)

// replicaCollector reads the replicas' state when scraped.
type replicaCollector struct{ db *database.DB }

func (replicaCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- replicaHealthyDesc
	ch <- replicaLagDesc
	ch <- replicaReadsDesc
}

func (c replicaCollector) Collect(ch chan<- prometheus.Metric) {
	for _, r := range c.db.Replicas() {
		healthy := 0.0
		if r.Healthy {
			healthy = 1
		}
		ch <- prometheus.MustNewConstMetric(replicaHealthyDesc, prometheus.GaugeValue, healthy, r.Name)
		ch <- prometheus.MustNewConstMetric(replicaLagDesc, prometheus.GaugeValue, r.LagSeconds, r.Name)
		ch <- prometheus.MustNewConstMetric(replicaReadsDesc, prometheus.CounterValue, float64(r.Reads), r.Name)
	}
}
