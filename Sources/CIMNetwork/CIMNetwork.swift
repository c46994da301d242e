enum CIMNetworkModule {}
