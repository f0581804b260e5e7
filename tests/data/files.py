"""Small files written by the data tests."""

ORDERS_HEADER = (
    "fsn_id,order_date,Year,Month,order_id,order_item_id,gmv,units,deliverybdays,deliverycdays,"
    "s1_fact.order_payment_type,sla,cust_id,pincode,product_analytic_super_category,"
    "product_analytic_category,product_analytic_sub_category,product_analytic_vertical,product_mrp,"
    "product_procurement_sla"
)
ROW = (
    "ACC1,2015-10-17 15:11:54,2015,10,3.41e15,3.41e15,6400,1,\\N,\\N,COD,5,-1.0e18,-7.7e18,"
    "CE,CameraAccessory,CameraAccessory,CameraTripod,7190,0"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path
