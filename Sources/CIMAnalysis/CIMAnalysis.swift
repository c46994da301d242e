// CIMAnalysis
